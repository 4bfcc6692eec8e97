package cli.errors

p if { x > 1 }

q if { y == 2 }
