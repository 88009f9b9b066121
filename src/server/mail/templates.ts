// The text of the portal's e-mails, English and Polish, and nothing else. Keys and {{name}}
// placeholders follow the i18next catalog format, so each language's table can move into the
// support-desk language catalogs as it is; the rest of the mail code only calls mailText().
export type MailLanguage = 'en' | 'pl';
export const MAIL_LANGUAGES: readonly MailLanguage[] = ['en', 'pl'];

const en = {
  'issued.subject': 'Certificate issued: {{commonName}} (serial {{serial}})',
  'issued.body': `Hello {{name}},

a new copy of your certificate has been issued.

  Common name:    {{commonName}}
  Order:          {{orderId}}
  Product:        {{product}}
  Serial number:  {{serial}}
  Valid to:       {{notAfter}}
  Key:            {{key}}

The certificate is attached to this message ({{fileName}}). You can also download it from the
certificate details view, or with: reissue download {{id}} --format pem

The previous copy (serial {{oldSerial}}) will be revoked automatically on {{revocationDate}}.
Install the new copy everywhere the previous one is used before then.
`,
  'reminder.subject': 'Reminder: the previous copy of {{commonName}} will be revoked on {{revocationDate}}',
  'reminder.body': `Hello {{name}},

the previous copy of your certificate {{commonName}} (serial {{oldSerial}}, order {{orderId}})
will be revoked automatically on {{revocationDate}}, in {{daysLeft}} day(s).

{{download}}
`,
  'reminder.notDownloaded': `The new copy (serial {{serial}}) has NOT been downloaded yet. Download it and install it
before the revocation date: reissue download {{id}} --format pem`,
  'reminder.downloaded': `The new copy (serial {{serial}}) was downloaded on {{downloadedAt}}. Make sure it is installed
everywhere the previous copy is used.`,
  'key.csr': 'from your CSR',
  'key.card': 'generated on a card (declared by the client and checked for consistency, not attested)',
  'key.cloud': 'generated in the cloud key store',
  'key.unknown': 'not recorded',
  signature: '-- \n{{portal}}\n',
};

const pl: Record<keyof typeof en, string> = {
  'issued.subject': 'Wydano certyfikat: {{commonName}} (numer seryjny {{serial}})',
  'issued.body': `Dzień dobry {{name}},

wydaliśmy nową kopię Twojego certyfikatu.

  Nazwa (CN):     {{commonName}}
  Zamówienie:     {{orderId}}
  Produkt:        {{product}}
  Numer seryjny:  {{serial}}
  Ważny do:       {{notAfter}}
  Klucz:          {{key}}

Certyfikat jest załączony do tej wiadomości ({{fileName}}). Można go też pobrać w widoku
szczegółów certyfikatu albo poleceniem: reissue download {{id}} --format pem

Poprzednia kopia (numer seryjny {{oldSerial}}) zostanie automatycznie unieważniona {{revocationDate}}.
Do tego czasu zainstaluj nową kopię wszędzie tam, gdzie używana jest poprzednia.
`,
  'reminder.subject': 'Przypomnienie: poprzednia kopia {{commonName}} zostanie unieważniona {{revocationDate}}',
  'reminder.body': `Dzień dobry {{name}},

poprzednia kopia Twojego certyfikatu {{commonName}} (numer seryjny {{oldSerial}}, zamówienie {{orderId}})
zostanie automatycznie unieważniona {{revocationDate}}, za {{daysLeft}} d.

{{download}}
`,
  'reminder.notDownloaded': `Nowa kopia (numer seryjny {{serial}}) NIE została jeszcze pobrana. Pobierz ją i zainstaluj
przed datą unieważnienia: reissue download {{id}} --format pem`,
  'reminder.downloaded': `Nowa kopia (numer seryjny {{serial}}) została pobrana {{downloadedAt}}. Upewnij się, że jest
zainstalowana wszędzie tam, gdzie używana jest poprzednia.`,
  'key.csr': 'z Twojego CSR',
  'key.card': 'wygenerowany na karcie (zadeklarowane przez klienta i sprawdzone pod kątem spójności, nie poświadczone)',
  'key.cloud': 'wygenerowany w chmurowym magazynie kluczy',
  'key.unknown': 'nie zapisano',
  signature: '-- \n{{portal}}\n',
};

export type MailTextKey = keyof typeof en;
const CATALOGS: Record<MailLanguage, Record<MailTextKey, string>> = { en, pl };

/** The text for `key` in `lang` with every {{name}} replaced (an unknown name stays visible). */
export function mailText(lang: MailLanguage, key: MailTextKey, vars: Record<string, string | number> = {}): string {
  return CATALOGS[lang][key].replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isMailLanguage(value: string): value is MailLanguage {
  return (MAIL_LANGUAGES as readonly string[]).includes(value);
}
