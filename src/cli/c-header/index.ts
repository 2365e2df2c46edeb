/* The C header for wire clients, generated from the model (`vmsig kinds --c-header`). */
export { C_CONST_GROUPS, C_DEFINES, type CConstGroup, cConstants, generateCHeader } from './c-header';
export { C_STRUCTS, type CField, type CStruct } from './c-structs';
