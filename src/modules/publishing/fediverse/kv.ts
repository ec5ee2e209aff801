import type { KvKey, KvStore, KvStoreSetOptions } from "@fedify/fedify";
import type { Clock } from "../../../platform/clock.js";
import type { FediverseStore } from "./store.js";

/** Fedify's key-value store (cached remote documents and keys, activity idempotence) in our database. */
export class DatabaseKvStore implements KvStore {
  constructor(private readonly store: FediverseStore, private readonly clock: Clock) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const value = await this.store.kvGet(JSON.stringify(key), this.clock.now().toISOString());
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const ttl = options?.ttl;
    const ms = ttl ? ((ttl.days * 24 + ttl.hours) * 3600 + ttl.minutes * 60 + ttl.seconds) * 1000 + ttl.milliseconds : undefined;
    const expiresAt = ms === undefined ? null : new Date(this.clock.now().getTime() + ms).toISOString();
    await this.store.kvSet(JSON.stringify(key), JSON.stringify(value), expiresAt);
  }

  async delete(key: KvKey): Promise<void> {
    await this.store.kvDelete(JSON.stringify(key));
  }
}
