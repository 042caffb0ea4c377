import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OpenApiDocument } from './openapi.builder';

// swagger-ui-dist ships no type declarations. Its main module loads the whole 1.5 MB UI bundle into
// the process; this file only says where the files are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const getAbsoluteFSPath = require('swagger-ui-dist/absolute-path.js') as () => string;

export const OPENAPI_PATH = '/v1/openapi.json';
export const DOCS_PREFIX = '/docs';

/**
 * The files of swagger-ui-dist that the UI loads, served from memory. A fixed list rather than a
 * static-directory plugin: nothing else in the package (the stock petstore initializer, source
 * maps, the ES bundles) is reachable, and there is no path to traverse.
 */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Swagger UI's start script, pointed at our document (and at no external validator). */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

/** `/v1/openapi.json` (built once at start) and Swagger UI at `/docs/`. */
export async function registerApiDocs(fastify: FastifyInstance, document: OpenApiDocument): Promise<void> {
  const json = JSON.stringify(document);
  fastify.get(OPENAPI_PATH, (_request, reply) =>
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .send(json),
  );

  const root = getAbsoluteFSPath();
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const [name, type] of Object.entries(ASSETS)) {
    files.set(name, { type, body: await readFile(join(root, name)) });
  }
  files.set('swagger-initializer.js', {
    type: 'text/javascript; charset=utf-8',
    body: Buffer.from(INITIALIZER),
  });

  // index.html loads its assets by relative path, so the UI must live under `/docs/`.
  fastify.get(DOCS_PREFIX, (_request, reply) => reply.redirect(`${DOCS_PREFIX}/`, 302));
  const serve = (name: string, reply: FastifyReply) => {
    const file = files.get(name);
    if (!file) return reply.callNotFound();
    return reply
      .header('content-type', file.type)
      .header('cache-control', 'public, max-age=3600')
      .send(file.body);
  };
  fastify.get(`${DOCS_PREFIX}/`, (_request, reply) => serve('index.html', reply));
  fastify.get<{ Params: { file: string } }>(`${DOCS_PREFIX}/:file`, (request, reply) =>
    serve(request.params.file, reply),
  );
}
