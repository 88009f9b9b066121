// The store contract against SQLite: each database a new file in a temporary folder.
import { join } from 'node:path';
import { storeContract } from './store-contract/contract.js';
import { tempDir } from './helpers.js';

storeContract({
  name: 'sqlite',
  async fresh() {
    const dir = tempDir('reissue-store-sqlite-');
    return { location: join(dir.path, 'portal.sqlite'), remove: () => dir.remove() };
  },
});
