/**
 * The connectors of a deployment: the shipped ones and those its `CONNECTORS` setting declares
 * (a JSON list of declarations, validated whole when the admin function, `npm start` or the
 * stack's synth reads it).
 */
import { readJson } from '../domain/json';
import { BUILTIN_CONNECTORS } from './builtin';
import { ConnectorConfigError, type ConnectorDeclaration, parseConnector } from './declaration';

/**
 * Every connector by name.
 * @throws ConnectorConfigError naming the connector and the field, or a name given twice.
 */
export function connectorDeclarations(configured: string | undefined): Map<string, ConnectorDeclaration> {
  const declarations = new Map(BUILTIN_CONNECTORS.map((connector) => [connector.name, connector]));
  if (configured === undefined) return declarations;
  let list: unknown;
  try {
    list = readJson(configured);
  } catch (error) {
    throw new ConnectorConfigError(`CONNECTORS is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(list))
    throw new ConnectorConfigError('CONNECTORS must be a JSON list of connector declarations');
  list.forEach((value, index) => {
    const connector = parseConnector(value, `CONNECTORS[${index}]`);
    if (declarations.has(connector.name)) {
      throw new ConnectorConfigError(
        `CONNECTORS[${index}]: a connector named "${connector.name}" exists already`,
      );
    }
    declarations.set(connector.name, connector);
  });
  return declarations;
}
