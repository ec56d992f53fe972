import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/*
 * The OpenAPI 3.0.3 document the server serves at /docs/json is generated from the routes' zod schemas. Three
 * things the generator leaves out or gets wrong are mended here, so that a client generated from the document (or
 * a validator reading it) agrees with what the server really accepts and answers:
 * - a multipart route (`consumes: multipart/form-data`, no JSON body) gets no request body at all: it is
 *   documented as one or more binary file parts;
 * - a nullable enum is rendered `{ nullable: true, enum: [...] }` without `null` in the list, which OpenAPI 3.0.3
 *   reads as "null is not allowed" (nullable does not widen an enum): `null` is added to the list;
 * - a request body that may be left out (`.nullish()` in the route) is still marked `required: true`.
 * The statuses every session route can answer (401, 403) are added to the routes themselves, by the auth plugin.
 */

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;

/** The route schemas' transform: zod to JSON Schema, then a documented file body for multipart routes. */
export const openApiTransform: Transform = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const consumes = (input.schema as { consumes?: readonly string[] } | undefined)?.consumes ?? [];
  const schema = out.schema as Record<string, unknown> | undefined;
  if (schema && consumes.includes('multipart/form-data') && schema.body === undefined) {
    return {
      ...out,
      schema: {
        ...schema,
        body: {
          type: 'object',
          description: 'One part per file (any field name); at least one file.',
          properties: { file: { type: 'string', format: 'binary' } },
          additionalProperties: { type: 'string', format: 'binary' },
        },
      },
    };
  }
  return out;
};

/** The whole document: nullable enums list null; a nullable request body is optional. */
export const openApiFinish: TransformObject = (documentObject) => {
  const doc = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
  walk(doc, (node) => {
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  });
  for (const path of Object.values(
    (doc as { paths?: Record<string, Record<string, unknown>> }).paths ?? {},
  )) {
    for (const operation of Object.values(path)) {
      const body = (operation as { requestBody?: RequestBody } | undefined)?.requestBody;
      if (!body?.content) continue;
      if (Object.values(body.content).every((media) => media.schema?.nullable === true))
        body.required = false;
    }
  }
  return doc;
};

interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: { nullable?: boolean } }>;
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  visit(record);
  for (const value of Object.values(record)) walk(value, visit);
}
