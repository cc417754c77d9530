"""The REST API for integrators (/api/v1/): keys, resources, transactional sends, OTP, events."""
