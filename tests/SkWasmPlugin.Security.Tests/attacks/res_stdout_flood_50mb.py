# attack: one 50 MB line on stdout (the cap is 2 MB)
# expect: outcome=OutputLimitExceeded
# limits: memory=512MB
# stdout-max: 2097152
print('x' * (50 * 1024 * 1024))
