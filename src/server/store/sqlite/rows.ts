// The SQL every SQLite part shares: a certificate with its product and account, and who sees what.
export const SELECT_CERTIFICATE = `
  SELECT c.*, p.name AS product_name, p.category AS product_category,
         p.key_sources AS product_key_sources, p.algorithms AS product_algorithms, a.name AS account_name
  FROM certificates c
  JOIN products p ON p.id = c.product_id
  JOIN accounts a ON a.id = c.account_id`;

// The accounts whose certificates @viewer may see: itself, and its customers when it is a partner.
export const VISIBLE = `c.account_id IN (SELECT id FROM accounts WHERE id = @viewer OR partner_id = @viewer)`;
