"""Reading what people write, pure (text in, findings out, never kept): the crisis-language screen,
the reply a finding calls for, personal details in a relayed message."""
