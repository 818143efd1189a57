// Secure-thread context switch. Only callee-saved state moves: everything
// else was saved by the Rust caller (the core never uses FP registers).
// SwitchCtx (thread.rs): x19..x30 from 0, SP at {ctx_sp} (`offset_of!`).

.section .text
// fn ctx_switch(save: *mut SwitchCtx, load: *const SwitchCtx)
.global ctx_switch
ctx_switch:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x9, sp
    str     x9, [x0, #{ctx_sp}]
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldr     x9, [x1, #{ctx_sp}]
    mov     sp, x9
    ret

// First instruction of a new secure thread: x19 holds its index.
.global thread_start
thread_start:
    mov     x0, x19
    bl      {thread_main}
    b       .
