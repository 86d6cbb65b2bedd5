# placeholder: attnforge_add_kernel() lands with the first generator
