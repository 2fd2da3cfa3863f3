-- pg_trgm powers substring and fuzzy course search (including Chinese text that the full-text
-- parser does not split into words). Needs to exist before the trigram indexes in 0001.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
