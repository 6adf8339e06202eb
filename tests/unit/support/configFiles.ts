/** Reading the stack's configuration files in the stack-config tests: parsing, defaults of `${VAR:-…}`, ports. */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const root = path.resolve(__dirname, '../../..');
export const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
// Compose files use YAML merge keys (`<<: *anchor`), which the yaml package applies only when asked.
export const yamlOf = (file: string) => parse(read(file), { merge: true });

/** Grafana provisioning expands `${VAR:-default}`; the default is what a plain `docker compose up` uses. */
export const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
export const portOf = (url: string) => new URL(url).port;
export const portOfEndpoint = (endpoint: string) => endpoint.split(':').pop();

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every value of `key` anywhere in a parsed document. */
export function valuesOf(doc: Json, key: string): Json[] {
  if (Array.isArray(doc)) {
    return doc.flatMap((item) => valuesOf(item, key));
  }
  if (doc !== null && typeof doc === 'object') {
    return Object.entries(doc).flatMap(([k, v]) => (k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key)));
  }
  return [];
}

/** A compose service, as far as the tests read it. */
export interface ComposeService {
  image?: string;
  build?: { dockerfile: string };
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string[];
  depends_on?: string[];
  ports?: string[];
}
