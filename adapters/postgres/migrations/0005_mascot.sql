-- The image Pleroma-FE shows beside the post form (PUT /api/v1/pleroma/mascot): the key of a stored
-- file, like avatar and header; NULL shows the instance's default mascot.

ALTER TABLE accounts ADD COLUMN mascot TEXT;
