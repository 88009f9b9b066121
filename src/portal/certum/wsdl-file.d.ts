// The Partner API's WSDL is bundled as text (scripts/build.mjs: loader '.wsdl': 'text').
declare module '*.wsdl' {
  const text: string;
  export default text;
}
