export { default } from '@/features/shell/root-layout';
