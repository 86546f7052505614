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
export function connectorDeclarations(setting: string | undefined): Map<string, ConnectorDeclaration> {
  const shipped = new Map(BUILTIN_CONNECTORS.map((connector) => [connector.name, connector]));
  const declarations = new Map(shipped);
  const configured = new Set<string>();
  if (setting === undefined) return declarations;
  let list: unknown;
  try {
    list = readJson(setting);
  } catch (error) {
    throw new ConnectorConfigError(`CONNECTORS is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(list))
    throw new ConnectorConfigError('CONNECTORS must be a JSON list of connector declarations');
  list.forEach((value, index) => {
    const connector = parseConnector(value, `CONNECTORS[${index}]`, shipped);
    const replacesShipped = (value as { extends?: unknown }).extends === connector.name;
    if (configured.has(connector.name) || (shipped.has(connector.name) && !replacesShipped)) {
      throw new ConnectorConfigError(
        `CONNECTORS[${index}]: a connector named "${connector.name}" exists already`,
      );
    }
    configured.add(connector.name);
    declarations.set(connector.name, connector);
  });
  return declarations;
}
