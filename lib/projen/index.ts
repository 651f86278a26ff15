/**
 * The projen component for site repositories (`import { QuadletSite } from 'quadlet-cdk/build/projen'`).
 * @module quadlet-cdk/build/projen
 */
// `quadlet-cdk/build/projen`: the projen component for site repositories. Kept out of the package
// root so that projen stays an optional peer dependency.
export * from './site-project';
