"""Programme content (YAML and Markdown) shipped as package data; edited by programme staff."""
