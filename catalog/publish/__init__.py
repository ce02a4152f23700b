"""Publishing the catalog: DCAT-AP 3, DCAT-US data.json, schema.org, sitemap and feeds."""
