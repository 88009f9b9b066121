// The subscriber line of the details view leaves out what a portal does not know (an ACME
// account has a contact address at most), instead of a blank name or an empty "<>".
import { describe, expect, test } from 'vitest';
import { demoCertificates } from '../tui/fakes.js';
import { detailsFields } from '../../src/wizard/details-view.js';

const subscriberLine = (subscriber: { name: string; lastName: string; email: string }) => {
  const cert = { ...demoCertificates()[0]!, subscriber: { ...subscriber, verificationMethod: 'ACME' } };
  return detailsFields(cert, []).find((l) => l.label === "Subscriber's data:")!.value;
};

describe('details: subscriber', () => {
  test('name, surname and e-mail as before', () => {
    expect(subscriberLine({ name: 'Jan', lastName: 'Kowalski', email: 'jan@example.com' })).toBe('Jan Kowalski <jan@example.com>');
  });
  test('an ACME account: only the contact address, no blank name before it', () => {
    expect(subscriberLine({ name: '', lastName: '', email: 'ops@example.com' })).toBe('<ops@example.com>');
  });
  test('no contact at all: "none", not "  <>"', () => {
    expect(subscriberLine({ name: '', lastName: '', email: '' })).toBe('none');
  });
});
