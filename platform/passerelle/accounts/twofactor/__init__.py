"""Two-factor authentication (TOTP and recovery codes) for staff-type accounts.

What other features use: `second_factor_required` on their views, `forget_devices(user)`
when a password changes or every session ends.
"""
