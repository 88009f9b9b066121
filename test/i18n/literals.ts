// Finds the user-facing strings in TypeScript sources that do not come from the message catalogs:
// string and template literals and JSX text that read as words for people (a capitalised word or
// several words), leaving out what is not text for people: imports, types, catalog keys (the first
// argument of t()), error codes, command and option names, property keys, comparisons.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export interface Literal {
  file: string;
  line: number;
  text: string;
}

/** Calls whose first argument is a name, a key or a code, never words for people. */
const NAME_FIRST = new Set(['t', 'say', 'command', 'option', 'requiredOption', 'argument', 'Option', 'Argument', 'on', 'once', 'off', 'emit', 'import', 'require', 'has', 'get', 'exists', 'usageError', 'inputError', 'cardError', 'portalError', 'lookup', 'setMeta', 'getMeta', 'header', 'type', 'pragma', 'prepare', 'env']);
/** ReissueError(kind, code, message…): the first two are names. */
const NAMES_FIRST_TWO = new Set(['ReissueError']);

/** Text a person reads: two words, or one capitalised word ("Valid"), after leaving out ${…} parts. */
export function readsAsWords(text: string): boolean {
  const words = text.match(/\p{L}{2,}/gu) ?? [];
  if (words.length >= 2 && /\p{L}{2,}[,.:;!?…'"()]*\s+[("'`]?\p{L}/u.test(text)) return true;
  return words.length === 1 && /^\p{Lu}\p{Ll}+$/u.test(words[0]!) && !/[/._]/.test(text.replace(words[0]!, ''));
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | null {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (e.kind === ts.SyntaxKind.ImportKeyword) return 'import';
  return null;
}

function isNameOrKey(node: ts.Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isLiteralTypeNode(parent) || ts.isExternalModuleReference(parent)) return true;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isEnumMember(parent)) && parent.name === node) return true;
  if (ts.isElementAccessExpression(parent) && parent.argumentExpression === node) return true;
  if (ts.isCaseClause(parent)) return true;
  if (ts.isBinaryExpression(parent) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.InKeyword].includes(parent.operatorToken.kind)) return true;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const name = calleeName(parent);
    const index = parent.arguments?.indexOf(node as ts.Expression) ?? -1;
    if (name && NAME_FIRST.has(name) && index === 0) return true;
    if (name && NAMES_FIRST_TWO.has(name) && (index === 0 || index === 1)) return true;
    // A plain Error is a programming mistake, for developers (users meet ReissueErrors).
    if (ts.isNewExpression(parent) && name === 'Error') return true;
  }
  return false;
}

/** The literal's text with every ${…} replaced by a space. */
function textOf(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  if (ts.isJsxText(node)) return node.text.trim() || null;
  return null;
}

export function userFacingLiterals(file: string): Literal[] {
  return literalsIn(readFileSync(file, 'utf8'), file).found;
}

/** The message keys given to t() as plain strings (keys built at run time are not seen). */
export function catalogKeysUsed(file: string): Literal[] {
  return literalsIn(readFileSync(file, 'utf8'), file).keys;
}

export function literalsIn(text: string, file: string): { found: Literal[]; keys: Literal[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Literal[] = [];
  const keys: Literal[] = [];
  const visit = (node: ts.Node) => {
    const text = textOf(node);
    const line = () => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if (text !== null && !isNameOrKey(node) && readsAsWords(text)) found.push({ file, line: line(), text });
    const parent = node.parent;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && parent && ts.isCallExpression(parent) && parent.arguments[0] === node && calleeName(parent) === 't') {
      keys.push({ file, line: line(), text: node.text });
    }
    // A template's parts are one literal: do not visit its spans' texts again, only their expressions.
    if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return { found, keys };
}
