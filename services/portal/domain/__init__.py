"""The portal's rules: no Flask, SQLAlchemy or HTTP here."""
