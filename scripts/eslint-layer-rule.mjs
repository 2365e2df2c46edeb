// An ESLint rule that keeps the layers apart by where an import lands, not how it is spelled:
// it resolves each relative specifier to a path, so '../serve' (the folder's index.ts) is
// caught as surely as '../serve/web-host'. Hand-written because the check is a path-prefix
// test on a resolved specifier; import-x's no-restricted-paths would add a plugin and a
// native resolver for the same answer (the tree has no path aliases to resolve).
import path from 'node:path';

/** True when `target` is `dir` itself or lies inside it. */
const within = (target, dir) => target === dir || target.startsWith(`${dir}${path.sep}`);

/** @type {import('eslint').Rule.RuleModule} */
export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that resolve into a layer this file may not depend on.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          zones: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'string' },
                forbid: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' },
              },
              required: ['from', 'forbid', 'message'],
              additionalProperties: false,
            },
          },
        },
        required: ['root', 'zones'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, zones } = context.options[0];
    const file = path.resolve(context.filename);
    const mine = zones.filter((z) => within(file, path.resolve(root, z.from)));
    if (mine.length === 0) return {};

    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source.value);
      for (const zone of mine) {
        const hit = zone.forbid.find((f) => within(target, path.resolve(root, f)));
        if (hit)
          context.report({
            node: source,
            message: `'${source.value}' reaches ${hit}: ${zone.message}`,
          });
      }
    }
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source.type === 'Literal' ? n.source : null),
      TSImportType: (n) => check(n, n.argument?.type === 'TSLiteralType' ? n.argument.literal : n.argument),
    };
  },
};

export default { rules: { 'layer-imports': layerImports } };
