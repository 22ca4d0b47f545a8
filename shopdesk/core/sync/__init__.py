"""What every store-sync upsert shares: comparing rows with what the store sent, the answer of an upsert,
and errors about one field of one item. The domain upserts use them; integration/ calls those upserts."""
