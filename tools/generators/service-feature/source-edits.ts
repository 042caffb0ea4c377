import * as ts from 'typescript';

/**
 * Small, AST-located edits of existing workspace files (a service definition, a migrations list, a
 * contract, the gateway's route table). Each edit inserts text at a position found in the parsed
 * file, so it does not depend on formatting; prettier tidies the result afterwards. An edit whose
 * anchor is not found returns null and the generator prints the line to add by hand instead.
 */

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile('edit.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function insertAt(source: string, position: number, text: string): string {
  return source.slice(0, position) + text + source.slice(position);
}

/** `x as const`, `x satisfies T`, `(x)`, `Object.freeze(x)` → x. */
function unwrap(node: ts.Expression): ts.Expression {
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
    return unwrap(node.expression);
  }
  if (ts.isCallExpression(node) && node.expression.getText() === 'Object.freeze' && node.arguments[0]) {
    return unwrap(node.arguments[0]);
  }
  return node;
}

function find<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T | undefined {
  let found: T | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (test(node)) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** The initializer of `const <name> = ...` (unwrapped). */
export function variableInitializer(sourceFile: ts.SourceFile, name: string | RegExp) {
  const declaration = find(
    sourceFile,
    (node): node is ts.VariableDeclaration =>
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      (typeof name === 'string' ? node.name.text === name : name.test(node.name.text)) &&
      !!node.initializer,
  );
  return declaration?.initializer ? unwrap(declaration.initializer) : undefined;
}

/** The object literal passed as first argument to `callee(...)`. */
export function callArgumentObject(sourceFile: ts.SourceFile, callee: string) {
  const call = find(
    sourceFile,
    (node): node is ts.CallExpression =>
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === callee &&
      !!node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0]),
  );
  return call ? (call.arguments[0] as ts.ObjectLiteralExpression) : undefined;
}

export function propertyOf(object: ts.ObjectLiteralExpression, name: string) {
  return object.properties.find(
    (property): property is ts.PropertyAssignment =>
      ts.isPropertyAssignment(property) && property.name.getText() === name,
  );
}

/** Appends `element` to an array or object literal (a spread `...x` or a property). */
function appendToLiteral(
  source: string,
  literal: ts.ArrayLiteralExpression | ts.ObjectLiteralExpression,
  element: string,
): string {
  const items: ts.NodeArray<ts.Node> = ts.isArrayLiteralExpression(literal)
    ? literal.elements
    : literal.properties;
  if (items.some((item) => item.getText() === element)) return source;
  const last = items[items.length - 1];
  if (!last) return insertAt(source, literal.getEnd() - 1, element);
  const separator = items.hasTrailingComma ? ' ' : ', ';
  const position = items.hasTrailingComma ? source.indexOf(',', last.getEnd()) + 1 : last.getEnd();
  return insertAt(source, position, `${separator}${element}${items.hasTrailingComma ? ',' : ''}`);
}

type Locate = (sourceFile: ts.SourceFile) => ts.Expression | undefined;

/** Appends `element` to the array or object literal `locate` finds; null when there is none. */
export function appendElement(source: string, locate: Locate, element: string): string | null {
  const target = locate(parse(source));
  if (!target) return null;
  const literal = unwrap(target);
  if (!ts.isArrayLiteralExpression(literal) && !ts.isObjectLiteralExpression(literal)) return null;
  return appendToLiteral(source, literal, element);
}

/**
 * Appends `element` to the array property `name` of the object `locate` finds, adding the property
 * (`name: [element]`, before the property `before`) when it is missing. null when the object is not found or
 * the property is not an array literal (e.g. a function): the caller reports it.
 */
export function appendToArrayProperty(
  source: string,
  locate: (sourceFile: ts.SourceFile) => ts.ObjectLiteralExpression | undefined,
  name: string,
  element: string,
  before?: string,
): string | null {
  const object = locate(parse(source));
  if (!object) return null;
  const property = propertyOf(object, name);
  if (!property) {
    // Next to the other arrays of the object (before `before` when it has one), else first.
    const anchor = (before && propertyOf(object, before)) || object.properties[0];
    const position = anchor ? anchor.getStart() : object.getEnd() - 1;
    return insertAt(source, position, `${name}: [${element}],${anchor ? ' ' : ''}`);
  }
  const value = unwrap(property.initializer);
  if (!ts.isArrayLiteralExpression(value)) return null;
  return appendToLiteral(source, value, element);
}

/** Adds an import statement after the last import (unless the same text is already there). */
export function addImport(source: string, statement: string): string {
  if (source.includes(statement)) return source;
  const sourceFile = parse(source);
  const imports = sourceFile.statements.filter(ts.isImportDeclaration);
  const last = imports[imports.length - 1];
  if (!last) return `${statement}\n\n${source}`;
  return insertAt(source, last.getEnd(), `\n${statement}`);
}

/**
 * Sets the property `name` of the object `locate` finds to `value` (the text of an expression):
 * added before the property `before` (else first) when missing, its initializer replaced when it
 * differs. null when the object is not found.
 */
export function setProperty(
  source: string,
  locate: (sourceFile: ts.SourceFile) => ts.ObjectLiteralExpression | undefined,
  name: string,
  value: string,
  before?: string,
): string | null {
  const object = locate(parse(source));
  if (!object) return null;
  const property = propertyOf(object, name);
  if (property) {
    const current = property.initializer;
    if (current.getText() === value) return source;
    return source.slice(0, current.getStart()) + value + source.slice(current.getEnd());
  }
  const anchor = (before && propertyOf(object, before)) || object.properties[0];
  const position = anchor ? anchor.getStart() : object.getEnd() - 1;
  return insertAt(source, position, `${name}: ${value},${anchor ? ' ' : ''}`);
}

/** The module specifier `import { <name> } from '<specifier>'` names, if the file imports it so. */
export function importSpecifierOf(source: string, name: string): string | undefined {
  const declaration = parse(source).statements.find(
    (statement): statement is ts.ImportDeclaration =>
      ts.isImportDeclaration(statement) &&
      !!statement.importClause?.namedBindings &&
      ts.isNamedImports(statement.importClause.namedBindings) &&
      statement.importClause.namedBindings.elements.some((element) => element.name.text === name),
  );
  return declaration && ts.isStringLiteral(declaration.moduleSpecifier)
    ? declaration.moduleSpecifier.text
    : undefined;
}

/**
 * The initializer of the property `name` when it is a bare identifier (`entities: authEntities`):
 * the list lives in another variable, maybe another file.
 */
export function identifierPropertyValue(
  source: string,
  locate: (sourceFile: ts.SourceFile) => ts.ObjectLiteralExpression | undefined,
  name: string,
): string | undefined {
  const object = locate(parse(source));
  const property = object && propertyOf(object, name);
  if (!property) return undefined;
  const value = unwrap(property.initializer);
  return ts.isIdentifier(value) ? value.text : undefined;
}
