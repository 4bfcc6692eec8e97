package cli.broken

p if {
	input.x == [1, 2
