"""The encrypted SQLCipher store: connection, key slots, migrations, repositories."""
