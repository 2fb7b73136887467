/** The ITSM connections and their settings. */
import type { Connection } from '../domain/model/connection.js';
export interface Connections {
  getConnection(connectionId: string): Promise<Connection | undefined>;
  putConnection(connection: Connection): Promise<void>;
}
