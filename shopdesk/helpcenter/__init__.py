"""Help center: categories and articles written in Markdown with store-policy variables, their search
and the customers' feedback. Article files in `content/` seed the database; the admin edits it."""
