// Screens and components only render the state and send events: every load and every piece of
// work is a command the reducer returns and the one runner (src/tui/actions.ts) carries out. This
// reads their source (parsed, so words in visible text do not count) and fails on any way to do
// work from a view: a call on the runner, the portal, the card or the services, a hook that hands
// them out, or a module that does such work.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';

const VIEW_DIRS = ['src/tui/screens', 'src/tui/components'];
/** Names under which the runner, the portal, the card service or the services reach a view. */
const WORKERS = new Set(['actions', 'runner', 'portal', 'card', 'cardService', 'services']);
/** Hooks and modules that hand out or do work (type-only imports are fine). */
const WORK_HOOKS = new Set(['useServices']);
const WORK_MODULES = /\/(portal|card|server|cli)\/|\/flows\/(?!outcome\.js$)|\/tui\/(actions|services|card-holder)\.js$|^\.\.\/(actions|services|card-holder)\.js$/;

/** Each way `source` could start work, as "file:line: what". */
function workFromView(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && WORKERS.has(node.expression.text)) at(node, node.getText());
    if (ts.isBindingElement(node) && WORKERS.has((node.propertyName ?? node.name).getText())) at(node, `takes ${node.getText()}`);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && WORK_HOOKS.has(node.expression.text)) at(node, node.getText());
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier) && WORK_MODULES.test(node.moduleSpecifier.text)) {
      const named = node.importClause?.namedBindings;
      const allTypes = named && ts.isNamedImports(named) && !node.importClause?.name && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) at(node, `imports ${node.moduleSpecifier.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

test('screens and components start no work: they send events', () => {
  const files = VIEW_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => /\.tsx?$/.test(f)).map((f) => join(dir, f)));
  expect(files.length).toBeGreaterThan(20);
  expect(files.flatMap((f) => workFromView(f, readFileSync(f, 'utf8')))).toEqual([]);
});

test('the scan sees each way a view could start work, and not words on screen', () => {
  const view = `
    import { createActions } from '../actions.js';
    import { submitReissue } from '../../flows/reissue.js';
    import type { Portal } from '../../portal/portal.js';
    import { FINISHING_LINE } from '../../flows/outcome.js';
    export function V() {
      const { dispatch, actions } = useUiActions();
      const services = useServices();
      useEffect(() => { void actions.loadPage(req); }, []);
      void portal.list({});
      return <Text>Insert the card. Check the portal.</Text>;
    }`;
  expect(workFromView('V.tsx', view).map((l) => l.replace(/^V\.tsx:\d+: /, ''))).toEqual([
    'imports ../actions.js',
    'imports ../../flows/reissue.js',
    'takes actions',
    'useServices()',
    'actions.loadPage',
    'portal.list',
  ]);
});
