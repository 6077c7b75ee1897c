"""A throwaway demo school: realistic pupils, one account per role, a term of records."""
