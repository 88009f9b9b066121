// The store contract against PostgreSQL: a throw-away cluster for this file, a new database per case.
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/postgres.js';
import { storeContract } from './store-contract/contract.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(() => cluster?.stop());

storeContract({
  name: 'postgres',
  async fresh() {
    const db = await cluster.createDatabase();
    return { location: db.url, remove: () => db.drop() };
  },
});
