"""flask-smorest blueprints of the referral API."""
