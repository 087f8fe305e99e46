-- Issue 17: the inspector shows each webhook's answer in full, its headers included (a JSON object; the
-- rows logged before have none).
ALTER TABLE webhook_log ADD COLUMN response_headers TEXT NOT NULL DEFAULT '{}';
