"""The site's templates and stylesheet, shipped inside the package as timeline.site_templates."""
