-- 0001: states, cursors and partner links, each per namespace.

-- One row per invoice: the State as JSON, plus the columns queries need.
CREATE TABLE states (
	namespace  TEXT NOT NULL,
	invoice_id TEXT NOT NULL CHECK (invoice_id <> ''),
	status     TEXT NOT NULL,
	updated_at TEXT NOT NULL, -- UTC, fixed width: sorts as time does
	data       TEXT NOT NULL CHECK (json_valid(data)),
	PRIMARY KEY (namespace, invoice_id)
);

CREATE INDEX states_by_status ON states (namespace, status, invoice_id);
CREATE INDEX states_by_updated_at ON states (namespace, updated_at);

-- The source cursor of each namespace.
CREATE TABLE cursors (
	namespace TEXT NOT NULL PRIMARY KEY,
	cursor    TEXT NOT NULL
) WITHOUT ROWID;

-- Links between source parties and ledger partners, per role.
CREATE TABLE partner_links (
	namespace         TEXT NOT NULL,
	role              TEXT NOT NULL,
	source_id         TEXT NOT NULL,
	partner_id        TEXT NOT NULL CHECK (partner_id <> ''),
	name              TEXT NOT NULL,
	auxiliary_account TEXT NOT NULL,
	PRIMARY KEY (namespace, role, source_id)
) WITHOUT ROWID;
