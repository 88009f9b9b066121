// What opening a database can find that is not this program's schema, whatever the driver.
export class NotAPortalDatabase extends Error {}
export class NewerPortalDatabase extends Error {
  constructor(readonly version: number) {
    super(`schema version ${version} is newer than this program knows`);
  }
}
