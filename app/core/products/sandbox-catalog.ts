import * as z from 'zod';
import { problemWith } from './parameters';
import type { Product, ProductParameter } from './product';

/**
 * The sandbox catalog (manifest/sandbox-products.yml): the products the embedded product factory
 * pretends to launch. Each product is written like a Service Catalog product: its ids, its default
 * artifact, its template's `Parameters` (in CloudFormation's own spelling: Type, Default,
 * AllowedValues, AllowedPattern, ...), and the `Outputs` a launch gives, as templates:
 *
 * - `${Key}`: the value of parameter Key (as given, else its Default); never a NoEcho parameter;
 * - `${Account}`: the account the request names, or `bot` when it names none;
 * - `${Hex:N}`: N made-up hex digits (1-32), stable for the request, the output and the place;
 * - `${Index}`: with `Repeat: Key` (a Number parameter), the output is the value written once per
 *   unit of that parameter (1, 2, ...) and joined with commas, e.g. one subnet id per AZ.
 */

const PSEUDO = /^(Account|Index|Hex:([1-9]|[12][0-9]|3[0-2]))$/;
const REFERENCE = /\$\{([^}]*)\}/g;

/** YAML reads `true`, `90` unquoted as a boolean, a number: CloudFormation means the text. */
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const count = z.number().int().nonnegative();

const parameterSchema = z
  .object({
    Type: z
      .string()
      .regex(
        /^(String|Number|CommaDelimitedList|List<Number>|AWS::[A-Za-z0-9:<>]+)$/,
        'must be a CloudFormation parameter type (String, Number, CommaDelimitedList, List<Number>, AWS::...)',
      ),
    Description: z.string().min(1).max(500).optional(),
    Default: text.optional(),
    NoEcho: z.boolean().default(false),
    AllowedValues: z.array(text).min(1, 'must list at least one value').optional(),
    AllowedPattern: z
      .string()
      .min(1)
      .refine((p) => compiles(p), 'must be a regular expression (JavaScript, with the u flag)')
      .optional(),
    ConstraintDescription: z.string().min(1).max(500).optional(),
    MinLength: count.optional(),
    MaxLength: count.optional(),
    MinValue: z.number().optional(),
    MaxValue: z.number().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.MinLength !== undefined && p.MaxLength !== undefined && p.MinLength > p.MaxLength)
      ctx.addIssue({ code: 'custom', path: ['MinLength'], message: 'must not be more than MaxLength' });
    if (p.MinValue !== undefined && p.MaxValue !== undefined && p.MinValue > p.MaxValue)
      ctx.addIssue({ code: 'custom', path: ['MinValue'], message: 'must not be more than MaxValue' });
    if (p.NoEcho && p.Default !== undefined)
      ctx.addIssue({ code: 'custom', path: ['Default'], message: 'a NoEcho parameter must not have a Default (it would be shown)' });
    if (p.Default !== undefined) {
      const broken = problemWith(toParameter('Default', p), p.Default);
      if (broken) ctx.addIssue({ code: 'custom', path: ['Default'], message: `breaks its own constraints: ${broken}` });
    }
  });

const outputSchema = z
  .object({
    Value: z.string().min(1).max(4096),
    Description: z.string().min(1).max(500).optional(),
    Repeat: z.string().min(1).optional(),
  })
  .strict();

const idOf = (prefix: string, example: string) =>
  z.string().regex(new RegExp(`^${prefix}-[a-z0-9]{13}$`), `must be ${prefix}- and 13 lowercase letters or digits, e.g. ${example}`);

const logicalId = /^[A-Za-z0-9]{1,255}$/;
const keyed = <T extends z.ZodType>(value: T, what: string) =>
  z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map))
      if (!logicalId.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `must be a ${what} name of letters and digits` });
  });

const productSchema = z
  .object({
    id: idOf('prod', 'prod-7sq2xw4ef3cbm'),
    name: z.string().min(1).max(100),
    description: z.string().min(1).max(500).optional(),
    owner: z.string().min(1).max(100).optional(),
    artifact: z.object({ id: idOf('pa', 'pa-3lz6bnrgbxq4a'), name: z.string().min(1).max(100) }).strict(),
    pathId: z
      .string()
      .regex(/^lpv\d-[a-z0-9]{13}$/, 'must be a launch path id such as lpv3-w2d3ezrbufx6o')
      .optional(),
    parameters: keyed(parameterSchema, 'parameter').default({}),
    outputs: keyed(outputSchema, 'output').default({}),
  })
  .strict()
  .superRefine((product, ctx) => {
    for (const reserved of ['Account', 'Index'])
      if (product.parameters[reserved])
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', reserved],
          message: `is a name outputs use for themselves; name it otherwise`,
        });
    for (const [key, output] of Object.entries(product.outputs)) {
      for (const [, ref] of output.Value.matchAll(REFERENCE)) {
        const param = product.parameters[ref];
        const problem = param?.NoEcho
          ? `must not show \${${ref}}: it is a NoEcho parameter`
          : !param && !PSEUDO.test(ref)
            ? `refers to \${${ref}}, which is neither a parameter of the product nor Account, Index or Hex:N (N 1-32)`
            : ref === 'Index' && !output.Repeat
              ? `uses \${Index} without Repeat`
              : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: ['outputs', key, 'Value'], message: problem });
      }
      if (output.Repeat && product.parameters[output.Repeat]?.Type !== 'Number')
        ctx.addIssue({ code: 'custom', path: ['outputs', key, 'Repeat'], message: 'must name a Number parameter of the product' });
    }
  });

export const sandboxCatalogSchema = z
  .object({ products: z.array(productSchema, { error: 'must be a list of products' }).min(1, 'must list at least one product') })
  .strict()
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.products.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['products', i, 'id'], message: `${p.id} is listed twice` });
      seen.add(p.id);
    });
  });

export type SandboxCatalog = z.output<typeof sandboxCatalogSchema>;
export type SandboxCatalogProduct = SandboxCatalog['products'][number];
export type SandboxOutputTemplate = SandboxCatalogProduct['outputs'][string];

/** The catalog's products as the product factory port gives them. */
export function sandboxProducts(catalog: SandboxCatalog): Product[] {
  return catalog.products.map((p) => ({
    id: p.id,
    name: p.name,
    ...(p.description && { description: p.description }),
    ...(p.owner && { owner: p.owner }),
    artifactId: p.artifact.id,
    artifactName: p.artifact.name,
    ...(p.pathId && { pathId: p.pathId }),
    parameters: Object.entries(p.parameters).map(([key, def]) => toParameter(key, def)),
  }));
}

type ParameterDef = z.output<typeof parameterSchema>;

function toParameter(key: string, def: ParameterDef): ProductParameter {
  const constraints = {
    ...(def.AllowedValues && { allowedValues: def.AllowedValues }),
    ...(def.AllowedPattern && { allowedPattern: def.AllowedPattern }),
    ...(def.ConstraintDescription && { constraintDescription: def.ConstraintDescription }),
    ...(def.MinLength !== undefined && { minLength: def.MinLength }),
    ...(def.MaxLength !== undefined && { maxLength: def.MaxLength }),
    ...(def.MinValue !== undefined && { minValue: def.MinValue }),
    ...(def.MaxValue !== undefined && { maxValue: def.MaxValue }),
  };
  return {
    key,
    ...(def.Description && { description: def.Description }),
    type: def.Type,
    ...(def.Default !== undefined && { default: def.Default }),
    noEcho: def.NoEcho,
    constraints,
  };
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
