"""The order as every channel shows it: page types, the builder, the diagnoses, the API serialiser, and one
cached getter. It sits above orders, shipping, payments and self-service, and below the interfaces."""
