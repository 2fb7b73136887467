/** Masks contact details for logs, audit events and display. Never log the clear value. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  if (!domain) return '***';
  return `${local.slice(0, 1)}***@${domain}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length < 4 ? '***' : `***${digits.slice(-2)}`;
}

export const maskDestination = (channel: 'email' | 'sms', to: string) =>
  channel === 'email' ? maskEmail(to) : maskPhone(to);
