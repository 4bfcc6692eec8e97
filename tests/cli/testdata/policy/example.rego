package cli.example

default allow := false

allow if input.user in data.roles.admins

items := [3, 1, 2]

greeting := sprintf("hello, %s", [input.user])
