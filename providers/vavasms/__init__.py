"""VavaSMS: SMS, balance, status query, MO notifications and OTP."""
