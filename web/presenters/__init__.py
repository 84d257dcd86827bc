"""What pages show, worked out from cases: stage words and deadline tables (stages), the
timeline (timeline), and how values read to people (formatting). Templates only lay these out."""
