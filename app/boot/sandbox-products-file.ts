import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type SandboxCatalog, sandboxCatalogSchema } from '../core/products/sandbox-catalog';
import { checkData } from './data-check';
import { readYamlFile } from './yaml-file';

/** Beside the source tree or, in a Lambda bundle, beside the bundle (as the account baseline). */
const SOURCE_TREE_CATALOG = join(__dirname, '..', '..', 'manifest', 'sandbox-products.yml');
export const DEFAULT_SANDBOX_PRODUCTS_PATH =
  [SOURCE_TREE_CATALOG, join(__dirname, 'manifest', 'sandbox-products.yml')].find(existsSync) ?? SOURCE_TREE_CATALOG;

/**
 * Reads and checks the sandbox product catalog (SANDBOX_PRODUCTS names another file); a bad file
 * stops start-up naming the key and line.
 */
export function loadSandboxProducts(path: string = DEFAULT_SANDBOX_PRODUCTS_PATH): SandboxCatalog {
  const { data, where } = readYamlFile(path, 'SANDBOX_PRODUCTS', 'sandbox product catalog');
  return checkData(sandboxCatalogSchema, data ?? {}, 'sandbox product catalog', path, where);
}
