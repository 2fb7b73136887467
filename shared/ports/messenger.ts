import type { Channel } from '../domain/model/verification.js';
export interface Message {
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  /** Correlates the message with a verification in logs and the dev inbox. */
  verificationId: string;
}

export interface Messenger {
  send(message: Message): Promise<void>;
}
