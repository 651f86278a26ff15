// `quadlet-cdk/build/projen`: the projen component for site repositories. Kept out of the package
// root so that projen stays an optional peer dependency.
export * from './site-project';
