"""Language duos: two participants who practise each other's language, proposed in batches."""
