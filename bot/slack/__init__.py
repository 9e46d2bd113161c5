"""The Slack front door: a slack-bolt app over HTTP or Socket Mode, Block Kit cards, approvals."""
