"""The call centre: campaigns, scripts, the agent console, dialling and supervision (issue #15)."""
