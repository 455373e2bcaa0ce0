/*
 * wire.h: the modules' event hooks and the router's order (wire.c).
 */
#ifndef ACCUEIL_WIRE_H
#define ACCUEIL_WIRE_H

/* Hooks every module on the core's events. Call once at start. */
void wire_hooks(void);

/* Registers the router hooks, in the order stanzas are offered. */
void wire_routes(void);

#endif
