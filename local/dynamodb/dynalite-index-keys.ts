/**
 * dynalite 4 stores an index entry under the index's key and, to tell apart items that tie on it, the first six hex
 * digits of an MD5 of the item's table key: two items of one index partition with the same index sort value and
 * colliding digits share one entry, so the later write hides the earlier item from the index (and a delete of one
 * removes the other's entry). DynamoDB keeps every item in every index it has the keys of. This module makes
 * dynalite end each index entry's key with the item's whole table key instead, for writes (PutItem, UpdateItem,
 * DeleteItem, BatchWriteItem) and for the `ExclusiveStartKey` of Query and Scan alike, so the two stay in step.
 *
 * A data dir written before this change keeps its old entries; a sandbox on such a dir should be given a fresh one.
 */
import dynaliteDbModule from 'dynalite/db/index.js';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type Done = (error?: unknown) => void;

interface KeyElement {
  readonly AttributeName: string;
}
interface Index {
  readonly IndexName: string;
  readonly KeySchema: readonly KeyElement[];
  readonly Projection: { readonly ProjectionType?: string; readonly NonKeyAttributes?: readonly string[] };
}
interface Table {
  readonly TableName: string;
  readonly KeySchema: readonly KeyElement[];
  readonly LocalSecondaryIndexes?: readonly Index[];
  readonly GlobalSecondaryIndexes?: readonly Index[];
}
interface IndexDb {
  put(key: string, value: Item, done: Done): void;
  del(key: string, done: Done): void;
}
interface Store {
  getIndexDb(indexType: string, tableName: string, indexName: string): IndexDb;
}
interface IndexAction {
  readonly index: string;
  readonly key: string;
  readonly item?: Item;
}

/** The part of dynalite's `db` module (db/index.js) this module reads and replaces. */
interface DynaliteDb {
  createKey(item: Item, table: Table, keySchema?: readonly KeyElement[]): string;
  createIndexKey(item: Item, table: Table, keySchema: readonly KeyElement[]): string;
  getIndexActions(
    indexes: readonly Index[],
    existingItem: Item | null | undefined,
    item: Item | null | undefined,
    table: Table,
  ): { puts: IndexAction[]; deletes: IndexAction[] };
  updateIndexes(
    store: Store,
    table: Table,
    existingItem: Item | null | undefined,
    item: Item | null | undefined,
    done: Done,
  ): void;
}

const INDEX_TYPES = ['Local', 'Global'] as const;

/**
 * dynalite's `db` module, the one its actions call through: imported statically, so that a bundle of the CLI (which
 * leaves dynalite and its files out, loaded by absolute path) reaches the same module Node caches once per process.
 */
function dynaliteDb(): DynaliteDb {
  return dynaliteDbModule as DynaliteDb;
}

/**
 * The key of `item`'s entry in an index of `keySchema`: the index key, then the item's table key (its hash prefix
 * and every key value in hex, as dynalite keys the table itself), unique per item.
 */
export function indexEntryKey(db: DynaliteDb, item: Item, table: Table, keySchema: readonly KeyElement[]): string {
  return db.createKey(item, table, keySchema) + db.createKey(item, table);
}

/** dynalite's index writes with `indexEntryKey` (the same steps as dynalite 4's getIndexActions). */
function indexActions(
  db: DynaliteDb,
  indexes: readonly Index[],
  existingItem: Item | null | undefined,
  item: Item | null | undefined,
  table: Table,
): { puts: IndexAction[]; deletes: IndexAction[] } {
  const puts: IndexAction[] = [];
  const deletes: IndexAction[] = [];
  const tableKeys = table.KeySchema.map((key) => key.AttributeName);
  for (const index of indexes) {
    const indexKeys = index.KeySchema.map((key) => key.AttributeName);
    let key: string | undefined;
    if (item && indexKeys.every((name) => item[name] != null)) {
      let pieces = item;
      if (index.Projection.ProjectionType !== 'ALL') {
        const names = [...indexKeys, ...tableKeys, ...(index.Projection.NonKeyAttributes ?? [])];
        pieces = Object.fromEntries(names.map((name) => [name, item[name]!]));
      }
      key = indexEntryKey(db, pieces, table, index.KeySchema);
      puts.push({ index: index.IndexName, key, item: pieces });
    }
    if (existingItem && indexKeys.every((name) => existingItem[name] != null)) {
      const existingKey = indexEntryKey(db, existingItem, table, index.KeySchema);
      if (existingKey !== key) deletes.push({ index: index.IndexName, key: existingKey });
    }
  }
  return { puts, deletes };
}

/** Runs `tasks` at once, then calls `done` with the first error, or none. */
function inParallel(tasks: ((done: Done) => void)[], done: Done): void {
  Promise.all(tasks.map((task) => new Promise<void>((ok, fail) => task((error) => (error ? fail(error) : ok())))))
    .then(() => done())
    .catch(done);
}

let installed = false;

/** Makes this process's dynalite key index entries by the whole table key (idempotent). */
export function installWholeKeyIndexEntries(): void {
  if (installed) return;
  const db = dynaliteDb();
  db.createIndexKey = (item, table, keySchema) => indexEntryKey(db, item, table, keySchema);
  db.getIndexActions = (indexes, existingItem, item, table) => indexActions(db, indexes, existingItem, item, table);
  db.updateIndexes = (store, table, existingItem, item, done) => {
    if (!existingItem && !item) return done();
    const puts: ((done: Done) => void)[] = [];
    const deletes: ((done: Done) => void)[] = [];
    for (const indexType of INDEX_TYPES) {
      const actions = indexActions(db, table[`${indexType}SecondaryIndexes`] ?? [], existingItem, item, table);
      for (const action of actions.puts)
        puts.push((next) =>
          store.getIndexDb(indexType, table.TableName, action.index).put(action.key, action.item!, next),
        );
      for (const action of actions.deletes)
        deletes.push((next) => store.getIndexDb(indexType, table.TableName, action.index).del(action.key, next));
    }
    inParallel(deletes, (error) => (error ? done(error) : inParallel(puts, done)));
  };
  installed = true;
}
